"""A deliberately broken HTTP server for osprey's tests: serves one file, but the first
answer for it stops halfway and drops the connection; a Range request gets the rest (206).
usage: http_drop_server.py ADDR PORT FILE [--no-ranges]"""
import socket
import sys


def main():
    addr, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ranges = "--no-ranges" not in sys.argv
    data = open(path, "rb").read()
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(4)
    print("listening", flush=True)
    while True:
        conn, _ = srv.accept()
        req = b""
        while b"\r\n\r\n" not in req:
            chunk = conn.recv(4096)
            if not chunk:
                break
            req += chunk
        head = req.decode("latin-1")
        print(head.split("\r\n")[0], [l for l in head.split("\r\n") if l.startswith("Range")],
              flush=True)
        start = 0
        for line in head.split("\r\n"):
            if line.lower().startswith("range: bytes=") and ranges:
                start = int(line.split("=")[1].split("-")[0])
        if start:
            body = data[start:]
            conn.sendall(f"HTTP/1.1 206 Partial Content\r\nContent-Length: {len(body)}\r\n"
                         f"Content-Range: bytes {start}-{len(data) - 1}/{len(data)}\r\n"
                         "Connection: close\r\n\r\n".encode() + body)
        else:
            conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {len(data)}\r\n"
                         f"Accept-Ranges: {'bytes' if ranges else 'none'}\r\n"
                         "Connection: close\r\n\r\n".encode() + data[:len(data) // 2])
        conn.close()


if __name__ == "__main__":
    main()

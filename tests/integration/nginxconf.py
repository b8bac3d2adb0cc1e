"""nginx.conf for the tests and the benchmark: one server, every path under one directory."""

_CONF = """\
daemon off;
master_process off;
worker_processes 1;
error_log {dir}/error.log info;
pid {dir}/nginx.pid;
events {{ worker_connections {connections}; }}
http {{
{log}
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    sendfile on;
    keepalive_requests 1000;
    default_type application/octet-stream;
    server {{
        listen {listen};
        root {root};
{server_extra}
    }}
}}
"""


def nginx_conf(dir, listen, root, log_format=None, connections=64, server_extra=""):
    """The configuration text: nginx keeps its pid, logs (access.log, error.log) and temporary
    files in dir and serves root on listen ("ADDR:PORT [options]"); log_format, when given, is
    the access log's format (nginx variables)."""
    if log_format:
        log = f"    log_format t '{log_format}';\n    access_log {dir}/access.log t;"
    else:
        log = f"    access_log {dir}/access.log;"
    return _CONF.format(dir=dir, listen=listen, root=root, log=log, connections=connections,
                        server_extra=server_extra)

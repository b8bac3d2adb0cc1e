/* virtio_net.c: placeholder until written. */

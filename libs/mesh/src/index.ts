export * from './etcd.peer-registry';
export * from './host-id.file';
export * from './peer';
export * from './peer.directory';
export * from './peer.registry';
export * from './vxlan/fdb.converger';
export * from './vxlan/iproute.vxlan-driver';
export * from './vxlan/vxlan.driver';

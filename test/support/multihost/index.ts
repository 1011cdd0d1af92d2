export * from './cluster';
export * from './exec';
export { HostDockerd, terminate } from './host.dockerd';
export * from './underlay';
export { UnderlayEtcd } from './underlay.etcd';
export * from './mesh';
export * from './weave.admin';

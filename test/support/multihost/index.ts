export * from './cluster';
export * from './exec';
export { HostDockerd, terminate } from './host.dockerd';
export * from './underlay';
export { UnderlayEtcd } from './underlay.etcd';
export * from './weave.admin';
export * from './use-cluster';

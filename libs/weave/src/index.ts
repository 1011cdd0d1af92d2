export * from './cidr/weave-cidr.parser';
export * from './selection/container-selection';
export * from './attach/address.allocator';
export * from './attach/attach.errors';
export * from './attach/attach.service';
export * from './attach/weave.options';
export * from './network/network.driver';
export * from './weave.module';

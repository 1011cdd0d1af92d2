export * from './ipv4.error';
export * from './ipv4-address';
export * from './ipv4-cidr';
export * from './ip-endpoint';

// Test doubles of the weave lib's ports. For specs only: imported as `@app/weave/testing`, never
// from the lib's index.ts.
export * from './container.builder';
export * from './fake-address.allocator';
export * from './fake-docker.client';
export * from './fake-host.network';
export * from './fake-network.driver';

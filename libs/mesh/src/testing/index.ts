// Test helpers of the mesh lib, for specs and end-to-end tests only: `@app/mesh/testing`.
export * from './memory.peer-registry';
export * from './fake-vxlan.driver';
export * from './memory.endpoint-registry';

export * from './docker-api.error';
export * from './docker-endpoint';
export * from './docker.client';
export * from './docker.module';
export * from './docker.types';

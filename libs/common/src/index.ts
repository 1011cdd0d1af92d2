export * from './domain.error';
export * from './net';

export * from './domain.error';
export * from './net';
export * from './go-regexp';
export * from './error.catalogue';

export * from './domain';
export * from './types';

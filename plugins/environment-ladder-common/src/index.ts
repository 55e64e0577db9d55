export * from './domain';
export * from './types';
export * from './promotions';
export * from './previews';
export * from './kubernetes';
export * from './permissions';
export * from './signals';
export * from './signatures';

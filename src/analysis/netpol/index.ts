export * from '../../manifest/cidr.js';
export * from './ports.js';
export * from '../../manifest/selectors.js';
export * from './model.js';
export * from './evaluate.js';
export * from './connections.js';

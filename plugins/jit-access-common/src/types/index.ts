export type * from './requests';
export type * from './accounts';
export type * from './config';

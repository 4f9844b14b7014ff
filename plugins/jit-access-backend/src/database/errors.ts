/*
 * Errors of the store, in the store's terms. What one means to an API
 * caller is the router's to say (httpErrorOf in service/router.ts).
 */

/**
 * `createRequest` found the request's id taken: ids are short and random
 * (30 bits, `formatRequestId`), so at a million stored requests about one
 * new id in a thousand is; the caller draws another. Nothing was written.
 */
export class RequestIdTakenError extends Error {
  constructor(readonly requestId: string) {
    super(`Request id ${requestId} is taken`);
    this.name = 'RequestIdTakenError';
  }
}

/**
 * A list cursor that is not of the form the store hands out (forged or
 * garbled). Nothing was read.
 */
export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not of the form the store hands out');
    this.name = 'InvalidCursorError';
  }
}

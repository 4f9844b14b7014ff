/**
 * Requests per page of the request tables ("Load more" fetches the next).
 * Apart from RequestTable so that pages can use it without loading the
 * table's chunk.
 */
export const REQUEST_PAGE_SIZE = 25;

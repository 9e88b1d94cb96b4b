const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path or body value can be one of our ids: checked before any lookup, so junk never reaches SQL. */
export const isUuid = (value: string): boolean => UUID.test(value);

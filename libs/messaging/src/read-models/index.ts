export * from './columns.js';
export * from './define-projection.js';
export * from './rows.js';
export {
  type AnyTable,
  type ColumnName,
  createIndexSql,
  createTableSql,
  defineTable,
  type IndexColumn,
  type KeyName,
  type RowOf,
  type Table,
  type TableDeclaration,
} from './tables.js';

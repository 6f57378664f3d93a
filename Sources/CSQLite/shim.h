#ifndef ORDRECON_CSQLITE_SHIM_H
#define ORDRECON_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro cast of -1 that Swift cannot import; this gives it a name.
static inline sqlite3_destructor_type ordrecon_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

/// Turns off SQLite's memory statistics, which take a global mutex on every allocation.
/// Must run before the first connection is opened (sqlite3_config is variadic: not callable from Swift).
static inline int ordrecon_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/// Gives a connection a larger lookaside allocator (slots of `size` bytes), so that small
/// allocations during statements do not go to malloc.
static inline int ordrecon_sqlite_set_lookaside(sqlite3 *db, int size, int count) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, (void *)0, size, count);
}
#endif

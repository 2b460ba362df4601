export default async function globalTeardown() {
  const state =
    /** @type {{ __testPostgres?: import('../libs/platform/src/database/embedded-postgres.js').RunningPostgres }} */ (
      globalThis
    );
  await state.__testPostgres?.stop();
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each generation records the fingerprint of the projection that built it (its tables, read
 * policies, handled events and version), so a deployment whose projection changed shape rebuilds
 * it instead of applying new code to old tables. Generations from before carry none: they are
 * rebuilt once.
 */
export class ProjectionFingerprints1765300000000 implements MigrationInterface {
  name = 'ProjectionFingerprints1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE delivery.projection_generations ADD COLUMN fingerprint text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE delivery.projection_generations DROP COLUMN fingerprint`);
  }
}

import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE_POOL } from '@soc/event-store';
import { DeliveryRuntime } from '@soc/messaging';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Pool } from 'pg';
import { organisationDirectoryProjection } from './organisation-directory.projection.js';

/** Read-your-writes: ask to see at least the position a command answered with. */
export class ConsistencyQuery {
  @ApiPropertyOptional({
    description:
      'Wait until the view has applied this global position (from a command answer); 503 if it has not in time',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minPosition?: number;

  @ApiPropertyOptional({ description: 'How long to wait for minPosition, in ms', default: 5000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30_000)
  waitMs?: number;
}

export class OrganisationView {
  @ApiProperty() organisationId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ description: 'People enrolled' }) people!: number;
  @ApiProperty({ description: 'Global position of the newest event applied to this row' })
  globalPosition!: number;
}

interface OrganisationRow {
  organisation_id: string;
  name: string;
  kind: string;
  people: number;
  global_position: string;
}

const toView = (row: OrganisationRow): OrganisationView => ({
  organisationId: row.organisation_id,
  name: row.name,
  kind: row.kind,
  people: row.people,
  globalPosition: Number(row.global_position),
});

/** The directory's read side. Organisations are not personal data; people will be (security issue). */
@ApiTags('directory')
@Controller('directory')
export class DirectoryQueriesController {
  constructor(
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
    private readonly delivery: DeliveryRuntime,
  ) {}

  @Get('organisations')
  @ApiOkResponse({ type: [OrganisationView] })
  async organisations(@Query() consistency: ConsistencyQuery): Promise<OrganisationView[]> {
    await this.consistent(consistency);
    const { rows } = await this.pool.query<OrganisationRow>(
      `SELECT organisation_id, name, kind, people, global_position
         FROM directory.organisations ORDER BY name, organisation_id`,
    );
    return rows.map(toView);
  }

  @Get('organisations/:id')
  @ApiOkResponse({ type: OrganisationView })
  async organisation(
    @Param('id') id: string,
    @Query() consistency: ConsistencyQuery,
  ): Promise<OrganisationView> {
    await this.consistent(consistency);
    const { rows } = await this.pool.query<OrganisationRow>(
      `SELECT organisation_id, name, kind, people, global_position
         FROM directory.organisations WHERE organisation_id = $1`,
      [id],
    );
    if (!rows[0]) throw new NotFoundException(`No organisation ${id}`);
    return toView(rows[0]);
  }

  private async consistent({ minPosition, waitMs }: ConsistencyQuery): Promise<void> {
    if (minPosition === undefined) return;
    await this.delivery.waitFor(organisationDirectoryProjection.name, minPosition, waitMs ?? 5000);
  }
}

import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';

/** Ids of organisations and people: the directory's slugs. */
export const SLUG = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const SLUG_MESSAGE = '$property must be 2-63 lower-case letters, digits, ".", "_" or "-"';
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = '$property must be a date YYYY-MM-DD';

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30), nothing more. */
export const IsCalendarDate = (): PropertyDecorator =>
  applyDecorators(
    IsISO8601({ strict: true }, { message: DATE_MESSAGE }),
    Matches(DATE, { message: DATE_MESSAGE }),
  );

/** An organisation's or a person's id. */
export const IsSlug = (): PropertyDecorator => Matches(SLUG, { message: SLUG_MESSAGE });

/** Free text: a string of bounded length. */
export const IsText = (min: number, max: number): PropertyDecorator =>
  applyDecorators(IsString(), Length(min, max));

/**
 * The optional business date of a command's fact (`closedOn`, `moderatedOn`...): when it happened
 * in the world, default today; not in the future, not before the record's last fact (422).
 */
export const BusinessDate = (description: string, example = '2026-11-24'): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      example,
      format: 'date',
      description: `${description} (default: today). Not in the future, not before the record's last fact`,
    }),
    IsOptional(),
    IsCalendarDate(),
  );

/** A person acting for an organisation: an LRO, a chair, an action's owner or point of contact. */
export class PersonRefBody {
  @ApiProperty({ example: 'cleveland-lro-1' })
  @IsSlug()
  personId!: string;

  @ApiProperty({ example: 'cleveland-police' })
  @IsSlug()
  organisationId!: string;
}

/** A nested person reference: an object, validated field by field. */
export const ValidPersonRef = (): PropertyDecorator =>
  applyDecorators(
    IsObject(),
    ValidateNested(),
    Type(() => PersonRefBody),
  );

/** Only the two ids of a person reference, whatever else the object carried. */
export const personRef = ({ personId, organisationId }: PersonRefBody) => ({
  personId,
  organisationId,
});

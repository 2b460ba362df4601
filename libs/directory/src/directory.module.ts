import { Module } from '@nestjs/common';
import { DirectoryQueriesController } from './directory-queries.controller.js';

/** The directory context: organisations and people. Its projection is registered with delivery. */
@Module({ controllers: [DirectoryQueriesController] })
export class DirectoryModule {}

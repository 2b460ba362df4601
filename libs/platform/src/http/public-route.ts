import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'soc:public-route';

/** No token needed: health, metrics. Every other route is authenticated and authorised. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * `TEST_KAFKA=off` runs the tests without a broker (no Java or Maven needed): the suites that
 * need one are skipped, and say so. Otherwise the global setup provides TEST_KAFKA_BROKERS.
 */
export const kafkaIsOff = process.env.TEST_KAFKA === 'off';

export const describeWithKafka: jest.Describe = kafkaIsOff ? describe.skip : describe;

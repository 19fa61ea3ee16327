import { sweepButton } from '../../dashboard/workflows';

describe('the Monthly sweep button', () => {
  it('is enabled unless this month\'s sweep runs or is done (a refused run does not use up the month)', () => {
    expect(sweepButton('not running')).toEqual({ allowed: true, reason: '' });
    expect(sweepButton('not running (failed)')).toEqual({ allowed: true, reason: '' });
    expect(sweepButton('running')).toMatchObject({ allowed: false, reason: expect.stringMatching(/running/) });
    expect(sweepButton('not running (completed)')).toMatchObject({ allowed: false, reason: expect.stringMatching(/done/) });
  });
});

/** boto3's scheduler client, finding the emulator through AWS_ENDPOINT_URL_SCHEDULER alone. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { useEmulator } from '../../helpers/emulator.js';

const run = promisify(execFile);
const emu = useEmulator();

const script = `
import json, boto3, botocore.exceptions
c = boto3.client("scheduler")
out = {}
out["group"] = c.create_schedule_group(Name="py-group")["ScheduleGroupArn"]
out["arn"] = c.create_schedule(Name="py", GroupName="py-group", ScheduleExpression="cron(0 8 ? * MON-FRI *)", ScheduleExpressionTimezone="Europe/London",
    FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
    Target={"Arn": "arn:aws:sqs:us-east-1:000000000000:q", "RoleArn": "arn:aws:iam::000000000000:role/s", "SqsParameters": {"MessageGroupId": "g"}})["ScheduleArn"]
got = c.get_schedule(Name="py", GroupName="py-group")
out["got"] = {k: got[k] for k in ("Name", "GroupName", "ScheduleExpression", "FlexibleTimeWindow", "Target")}
out["start"] = got.get("StartDate") is None and str(type(got["CreationDate"]).__name__)
out["names"] = [s["Name"] for s in c.list_schedules(GroupName="py-group")["Schedules"]]
c.delete_schedule(Name="py", GroupName="py-group")
try:
    c.get_schedule(Name="py", GroupName="py-group")
except botocore.exceptions.ClientError as e:
    out["error"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps(out))
`;

test('boto3: create a group and a schedule, get, list, delete, and the error after', async () => {
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL_SCHEDULER: emu.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
  };
  const { stdout } = await run('python3', ['-c', script], { env, timeout: 60_000 });
  expect(JSON.parse(stdout)).toEqual({
    group: 'arn:aws:scheduler:us-east-1:000000000000:schedule-group/py-group',
    arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/py-group/py',
    got: {
      Name: 'py',
      GroupName: 'py-group',
      ScheduleExpression: 'cron(0 8 ? * MON-FRI *)',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      Target: { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: 'arn:aws:iam::000000000000:role/s', SqsParameters: { MessageGroupId: 'g' } },
    },
    start: 'datetime',
    names: ['py'],
    error: ['ResourceNotFoundException', 404],
  });
}, 90_000);

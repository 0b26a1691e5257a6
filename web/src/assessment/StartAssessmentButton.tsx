// 开始核定: starts the region-year assessment as a background job and polls it every second until
// it has succeeded or failed, showing its progress; the page reloads its totals when it is done.
import { Alert, Button, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { get, messageOf, post } from '../api';
import type { Job } from './assessment-types';

const STATUS_NAMES: Record<Job['status'], string> = {
  queued: '排队中',
  running: '正在核定',
  succeeded: '核定完成',
  failed: '核定失败',
};

export function StartAssessmentButton({
  region,
  year,
  onDone,
}: {
  region: string;
  year: number;
  onDone: () => void;
}) {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const stop = () => {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
  };
  // Stop polling when the page is left.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on unmount; stop reads the ref
  useEffect(() => stop, []);

  const start = async () => {
    setError(null);
    try {
      const submitted = await post<Job>('/api/jobs/assessments', { region, year });
      setJob(submitted);
      stop();
      timer.current = setInterval(async () => {
        try {
          const j = await get<Job>(`/api/jobs/${submitted.id}`);
          setJob(j);
          if (j.status === 'succeeded' || j.status === 'failed') {
            stop();
            if (j.status === 'succeeded') onDone();
          }
        } catch (e) {
          stop();
          setError(messageOf(e));
        }
      }, 1000);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const busy = job !== null && (job.status === 'queued' || job.status === 'running');
  return (
    <Space direction="vertical">
      <Button type="primary" onClick={start} loading={busy} disabled={busy}>
        开始核定
      </Button>
      {job && (
        <Typography.Text data-testid="assessment-job-status">
          第 {job.id} 号任务：{STATUS_NAMES[job.status]}
          {job.progress && job.status !== 'succeeded' ? `（${job.progress}）` : ''}
        </Typography.Text>
      )}
      {job?.error && <Alert type="error" showIcon message={job.error.message} />}
      {error && <Alert type="error" showIcon message={error} />}
    </Space>
  );
}

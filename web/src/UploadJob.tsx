// Upload a file to an endpoint that answers with a background job, then follow the job: the upload's
// progress bar (XMLHttpRequest — fetch reports no upload progress), the job's status and progress
// text polled every second, its result and the link to its rejected-row report.
import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Progress, Space, Tag, Typography, Upload } from 'antd';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { ApiError, get, messageOf } from './api';

export interface JobView {
  id: number;
  kind: string;
  params: Record<string, unknown>;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: string | null;
  result: Record<string, unknown> | null;
  error: { code: string; message: string; where: string } | null;
  created_by: string;
  created_at: string;
  finished_at: string | null;
}

export const JOB_STATUS: Record<JobView['status'], { text: string; color: string }> = {
  queued: { text: '排队中', color: 'default' },
  running: { text: '进行中', color: 'processing' },
  succeeded: { text: '已完成', color: 'success' },
  failed: { text: '失败', color: 'error' },
};

export const finished = (job: JobView) => job.status === 'succeeded' || job.status === 'failed';

/** POST a multipart form (fields first, then the file) and report the bytes sent. */
export function uploadFile(
  url: string,
  fields: Record<string, string | undefined>,
  file: File,
  onProgress: (percent: number) => void,
): Promise<JobView> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') form.append(k, v);
  form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', '上传失败：无法连接服务器，请检查网络后重试', ''));
    xhr.onload = () => {
      let data: unknown;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as JobView);
      const e = (data as { error?: { code?: string; message?: string; where?: string } } | undefined)?.error;
      reject(
        new ApiError(
          xhr.status,
          e?.code ?? 'HTTP',
          e?.message ?? `上传失败（${xhr.status}）`,
          e?.where ?? '',
        ),
      );
    };
    xhr.send(form);
  });
}

/** Follow a job until it has finished, reading it every second. */
export function useJob(id: number | null): JobView | null {
  const [job, setJob] = useState<JobView | null>(null);
  useEffect(() => {
    if (id === null) {
      setJob(null);
      return;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const j = await get<JobView>(`/api/jobs/${id}`);
        if (stopped) return;
        setJob(j);
        if (finished(j)) return;
      } catch {
        // A missed poll is retried on the next tick.
      }
      if (!stopped) timer = setTimeout(poll, 1000);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [id]);
  return job;
}

export function reportRows(job: JobView): number {
  const n = job.result?.reportRows;
  return typeof n === 'number' ? n : 0;
}

export function ReportLink({ job }: { job: JobView }) {
  const n = reportRows(job);
  if (job.status !== 'succeeded' || n === 0) return null;
  return (
    <a href={`/api/jobs/${job.id}/report`} download>
      下载问题行报告（{n} 条）
    </a>
  );
}

export function JobStatusTag({ job }: { job: JobView }) {
  const s = JOB_STATUS[job.status];
  return <Tag color={s.color}>{s.text}</Tag>;
}

interface UploadJobProps {
  /** The endpoint answering 202 with a job. */
  url: string;
  /** The form fields to send with the file; throws (e.g. form validation) to stop the upload. */
  fields: () => Promise<Record<string, string | undefined>>;
  buttonText: string;
  accept?: string;
  /** What the finished job's result means, shown under its status. */
  renderResult: (job: JobView) => ReactNode;
  onFinished?: (job: JobView) => void;
}

/** Pick a file, upload it with a progress bar, then follow the job it started. */
export function UploadJob({ url, fields, buttonText, accept, renderResult, onFinished }: UploadJobProps) {
  const [file, setFile] = useState<File | null>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useJob(jobId);
  const reported = useRef<number | null>(null);

  useEffect(() => {
    if (job && finished(job) && reported.current !== job.id) {
      reported.current = job.id;
      onFinished?.(job);
    }
  }, [job, onFinished]);

  const start = async () => {
    if (!file) return setError('请先选择文件');
    let values: Record<string, string | undefined>;
    try {
      values = await fields();
    } catch {
      return; // The form shows what is missing.
    }
    setError(null);
    setJobId(null);
    setPercent(0);
    try {
      const started = await uploadFile(url, values, file, setPercent);
      setPercent(100);
      setJobId(started.id);
    } catch (e) {
      setPercent(null);
      setError(messageOf(e));
    }
  };

  const uploading = percent !== null && jobId === null && error === null;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Upload.Dragger
        accept={accept ?? '.csv,.xlsx'}
        maxCount={1}
        beforeUpload={(f) => {
          setFile(f);
          return false;
        }}
        onRemove={() => setFile(null)}
        fileList={file ? [{ uid: 'file', name: file.name, size: file.size, status: 'done' as const }] : []}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">点击或拖入文件（CSV 或 XLSX，最大 2 GB）</p>
      </Upload.Dragger>
      <Button type="primary" onClick={start} disabled={!file || uploading} loading={uploading}>
        {buttonText}
      </Button>
      {percent !== null && (
        <div>
          <Typography.Text type="secondary">上传进度</Typography.Text>
          <Progress percent={percent} status={error ? 'exception' : percent < 100 ? 'active' : 'success'} />
        </div>
      )}
      {error && <Alert type="error" showIcon message={error} />}
      {job && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space>
            <span>任务 {job.id}</span>
            <JobStatusTag job={job} />
            {!finished(job) && job.progress && (
              <Typography.Text type="secondary">{job.progress}</Typography.Text>
            )}
          </Space>
          {job.status === 'failed' && job.error && (
            <Alert
              type="error"
              showIcon
              message={job.error.message}
              {...(job.error.where ? { description: job.error.where } : {})}
            />
          )}
          {job.status === 'succeeded' && renderResult(job)}
          <ReportLink job={job} />
        </Space>
      )}
    </Space>
  );
}

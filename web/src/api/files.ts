import { api, request, requestText, xsrfHeaders } from './http';
import type { FileObject, Item, List } from './types';

const base = (server: string) => `/api/client/servers/${encodeURIComponent(server)}/files`;
const items = (list: List<Item<FileObject>>) => list.data.map((f) => f.attributes);

/** Pterodactyl's file routes (DESIGN §8). Paths are always rooted at `/` of the server. */
export const filesApi = {
  list: async (server: string, directory: string) => items(await api.get<List<Item<FileObject>>>(`${base(server)}/list`, { directory })),
  contents: (server: string, file: string) => requestText(`${base(server)}/contents`, { file }),
  downloadUrl: async (server: string, file: string) =>
    (await api.get<Item<{ url: string }>>(`${base(server)}/download`, { file })).attributes.url,
  write: (server: string, file: string, content: string) =>
    request<void>('POST', `${base(server)}/write`, { raw: content, query: { file } }),
  createFolder: (server: string, root: string, name: string) => api.post<void>(`${base(server)}/create-folder`, { root, name }),
  rename: (server: string, root: string, from: string, to: string) =>
    api.put<void>(`${base(server)}/rename`, { root, files: [{ from, to }] }),
  copy: (server: string, location: string) => api.post<void>(`${base(server)}/copy`, { location }),
  remove: (server: string, root: string, files: string[]) => api.post<void>(`${base(server)}/delete`, { root, files }),
  compress: (server: string, root: string, files: string[]) => api.post<Item<FileObject>>(`${base(server)}/compress`, { root, files }),
  decompress: (server: string, root: string, file: string) => api.post<void>(`${base(server)}/decompress`, { root, file }),
  trash: async (server: string) => items(await api.get<List<Item<FileObject>>>(`${base(server)}/trash`)),
  emptyTrash: (server: string) => api.post<void>(`${base(server)}/trash/empty`),
  uploadUrl: async (server: string, directory: string) =>
    (await api.get<Item<{ url: string }>>(`${base(server)}/upload`, { directory })).attributes.url,
};

/** Uploads files to a signed URL with XMLHttpRequest, so progress can be shown (fetch has no upload progress). */
export async function uploadFiles(url: string, directory: string, files: File[], onProgress: (fraction: number) => void): Promise<void> {
  const target = new URL(url, window.location.origin);
  target.searchParams.set('directory', directory);
  const headers = await xsrfHeaders('POST');
  const form = new FormData();
  for (const f of files) form.append('files', f, f.name);
  await new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', target.toString());
    xhr.withCredentials = true;
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => (xhr.status < 300 ? resolve() : reject(new Error(uploadError(xhr))));
    xhr.onerror = () => reject(new Error('The upload failed (network error).'));
    xhr.send(form);
  });
  onProgress(1);
}

function uploadError(xhr: XMLHttpRequest): string {
  try {
    const body = JSON.parse(xhr.responseText) as { errors?: Array<{ detail?: string }> };
    return body.errors?.[0]?.detail ?? `The upload failed (${xhr.status}).`;
  } catch {
    return `The upload failed (${xhr.status}).`;
  }
}

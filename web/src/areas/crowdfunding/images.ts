/**
 * A project's pictures are uploaded to netfin (src/crowdfunding/images.ts) and shown from its own
 * origin: the page's content security policy admits no other, and a picture from elsewhere would tell
 * that site who reads the project. The server reads the type from the bytes; the checks here only
 * spare a person the wait for an upload that would be refused.
 */
import { ApiError, api } from '../../api.ts';

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
const IMAGE_URL =
  /^\/v1\/crowdfunding\/images\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface UploadedImage {
  id: string;
  url: string;
  contentType: string;
  sizeBytes: number;
}

/** A picture uploaded to netfin, by its address. */
export function isNetfinImage(url: string): boolean {
  return IMAGE_URL.test(url);
}

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** Uploads a picture file to the project's draft; refuses, before sending, what the server would. */
export async function uploadImage(projectId: string, file: File): Promise<UploadedImage> {
  if (!(IMAGE_TYPES as readonly string[]).includes(file.type))
    // English as the API would say it; errorText shows the Chinese from the code table.
    throw new ApiError(400, 'image_type_not_allowed', 'a picture is a PNG, JPEG or WebP file');
  if (file.size > MAX_IMAGE_BYTES) throw new ApiError(413, 'image_too_large', 'a picture is at most 2 MB');
  return api.post<UploadedImage>(`/v1/crowdfunding/projects/${projectId}/images`, {
    contentType: file.type,
    data: await base64Of(file),
  });
}

/** Photos chosen by drag and drop or with the file picker (keyboard users use the picker). */
import { useId, useState } from 'preact/hooks';

export function DropZone({ hint, choose, onFiles, multiple = true }: { hint: string; choose: string; onFiles: (files: File[]) => void; multiple?: boolean }) {
  const [over, setOver] = useState(false);
  const id = useId();
  const images = (list: FileList | null | undefined) => [...(list ?? [])].filter((f) => f.type.startsWith('image/') || f.type === '');
  return (
    <div
      class={over ? 'drop-zone over' : 'drop-zone'}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        onFiles(images(e.dataTransfer?.files));
      }}
    >
      <p class="muted small">{hint}</p>
      <label for={id} class="button">
        {choose}
      </label>
      <input
        id={id}
        class="visually-hidden"
        type="file"
        accept="image/*"
        multiple={multiple}
        onChange={(e) => {
          onFiles(images(e.currentTarget.files));
          e.currentTarget.value = '';
        }}
      />
    </div>
  );
}

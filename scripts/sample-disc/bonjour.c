/* The sample disc's program: a window saying hello, and what it sees of its CD-ROM drive,
   as a 1990s educational title would look at it. Also printed on stdout for the demo. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static char lines[8][160];
static int nlines;

static LRESULT CALLBACK wndproc(HWND h, UINT m, WPARAM w, LPARAM l) {
  if (m == WM_PAINT) {
    PAINTSTRUCT ps; HDC dc = BeginPaint(h, &ps); RECT r; GetClientRect(h, &r);
    HBRUSH bg = CreateSolidBrush(RGB(255, 244, 214)); FillRect(dc, &r, bg); DeleteObject(bg);
    SetBkMode(dc, TRANSPARENT);
    HFONT big = CreateFontA(44, 0, 0, 0, FW_BOLD, 0, 0, 0, DEFAULT_CHARSET, 0, 0, 0, 0, "Tahoma");
    HFONT small = CreateFontA(20, 0, 0, 0, FW_NORMAL, 0, 0, 0, DEFAULT_CHARSET, 0, 0, 0, 0, "Tahoma");
    SelectObject(dc, big); SetTextColor(dc, RGB(20, 60, 140));
    TextOutA(dc, 40, 40, "Bonjour !", 9);
    SelectObject(dc, small); SetTextColor(dc, RGB(30, 30, 30));
    for (int i = 0; i < nlines; i++) TextOutA(dc, 40, 120 + i * 30, lines[i], (int)strlen(lines[i]));
    DeleteObject(big); DeleteObject(small);
    EndPaint(h, &ps); return 0;
  }
  if (m == WM_TIMER || m == WM_DESTROY) { PostQuitMessage(0); return 0; }
  return DefWindowProcA(h, m, w, l);
}

int WINAPI WinMain(HINSTANCE inst, HINSTANCE prev, LPSTR cmd, int show) {
  char label[64] = "", fs[32] = "", cwd[MAX_PATH] = "";
  DWORD serial = 0;
  UINT type = GetDriveTypeA("D:\\");
  GetVolumeInformationA("D:\\", label, sizeof label, &serial, NULL, NULL, fs, sizeof fs);
  GetCurrentDirectoryA(MAX_PATH, cwd);
  snprintf(lines[nlines++], 160, "Ce programme vient du disque : lecteur D: %s", type == DRIVE_CDROM ? "(CD-ROM)" : "(pas un CD-ROM ?)");
  snprintf(lines[nlines++], 160, "Nom du disque : %s   numero de serie : %04lX-%04lX", label, serial >> 16, serial & 0xffff);
  snprintf(lines[nlines++], 160, "Dossier de depart : %s", cwd);
  snprintf(lines[nlines++], 160, "Lecteurs visibles : %s%s%s", GetLogicalDrives() & 4 ? "C: " : "", GetLogicalDrives() & 8 ? "D: " : "", GetLogicalDrives() & ~12u ? "et d'autres" : "(et rien d'autre)");
  snprintf(lines[nlines++], 160, "discrun fonctionne : ce disque tourne sous Linux.");
  for (int i = 0; i < nlines; i++) printf("%s\n", lines[i]);
  fflush(stdout);

  WNDCLASSA wc = {0};
  wc.lpfnWndProc = wndproc; wc.hInstance = inst; wc.lpszClassName = "bonjour"; wc.hCursor = LoadCursor(NULL, IDC_ARROW);
  RegisterClassA(&wc);
  HWND w = CreateWindowA("bonjour", "Disque d'exemple discrun", WS_OVERLAPPEDWINDOW | WS_VISIBLE, 60, 60, 760, 360, NULL, NULL, inst, NULL);
  int seconds = atoi(cmd);
  if (seconds > 0) SetTimer(w, 1, seconds * 1000, NULL);
  MSG msg;
  while (GetMessageA(&msg, NULL, 0, 0) > 0) { TranslateMessage(&msg); DispatchMessageA(&msg); }
  return 0;
}

/*
 * bcryptprimitives.dll for Wine 8.0, for tests only (never shipped).
 *
 * Go 1.24 and later get random bytes from ProcessPrng in
 * bcryptprimitives.dll, which Windows 10 and later have and Wine 8.0 does
 * not: without it every Go program stops at start with "fatal error:
 * bcryptprimitives.dll not found". The Go runtime loads the DLL from
 * system32 only, so packaging/test-windows.sh builds this file with
 * x86_64-w64-mingw32-gcc -shared and copies it into the throw-away Wine
 * prefix's drive_c/windows/system32.
 *
 * ProcessPrng fills the buffer from advapi32's RtlGenRandom
 * (SystemFunction036), which Wine has. It never fails on Windows; here it
 * returns FALSE only if RtlGenRandom does, and the Go runtime then stops.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}

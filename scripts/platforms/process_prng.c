/* A test fixture for Wine 8.0 only, never shipped: Rust's standard library (since 1.78)
 * draws its random numbers from bcryptprimitives.dll's ProcessPrng, which Wine 8.0 lacks.
 * Built as a DLL of that name beside the .exe, this answers it from advapi32's RtlGenRandom
 * (exported as SystemFunction036), which Wine has. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

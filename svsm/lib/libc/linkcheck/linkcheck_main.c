/* SPDX-License-Identifier: MIT */
/*
 * Link check (mk/deps.mk): this entry point, linkcheck_svsm_symbols.c and every object of the
 * freestanding mbedTLS, libcbor and libc archives (--whole-archive) are linked with ld -static.
 * The link fails if any of them needs a symbol that neither the archives nor the SVSM-provided
 * list defines. The program is never run.
 */
void linkcheck_entry(void);

void linkcheck_entry(void)
{
	for (;;) {
		__asm__ volatile("hlt");
	}
}

/* SPDX-License-Identifier: MIT */
/* `igvm dump`: one line per header with its name, fields, masks, GPAs and sizes. */
#include "igvm/dump.h"

#include "snp/vmsa.h"

static const char *data_type_name(uint16_t type)
{
	switch (type) {
	case IGVM_PAGE_DATA_NORMAL:
		return "NORMAL";
	case IGVM_PAGE_DATA_SECRETS:
		return "SECRETS";
	case IGVM_PAGE_DATA_CPUID_DATA:
		return "CPUID_DATA";
	case IGVM_PAGE_DATA_CPUID_XF:
		return "CPUID_XF";
	default:
		return "UNKNOWN";
	}
}

static void dump_page(const struct igvm_header *h, FILE *out)
{
	const struct igvm_page_data *p = &h->body.page;

	fprintf(out, "gpa=0x%llx mask=0x%x type=%s flags=0x%x%s%s file_offset=0x%x%s",
		(unsigned long long)p->gpa, p->compatibility_mask, data_type_name(p->data_type),
		p->flags, (p->flags & IGVM_PAGE_FLAG_UNMEASURED) != 0 ? " (unmeasured)" : "",
		(p->flags & IGVM_PAGE_FLAG_SHARED) != 0 ? " (shared)" : "", p->file_offset,
		p->file_offset == 0 ? " (zero page)" : " size=4096");
}

static void dump_snp_vmsa(const uint8_t *data, FILE *out)
{
	const struct sev_vmsa *v = (const struct sev_vmsa *)data;

	fprintf(out,
		"\n    VMSA: rip=0x%llx rax=0x%llx cr0=0x%llx cr3=0x%llx cr4=0x%llx efer=0x%llx "
		"rflags=0x%llx xcr0=0x%llx g_pat=0x%llx sev_features=0x%llx vmpl=%u "
		"cs=%04x/attr 0x%x",
		(unsigned long long)v->rip, (unsigned long long)v->rax, (unsigned long long)v->cr0,
		(unsigned long long)v->cr3, (unsigned long long)v->cr4, (unsigned long long)v->efer,
		(unsigned long long)v->rflags, (unsigned long long)v->xcr0,
		(unsigned long long)v->g_pat, (unsigned long long)v->sev_features, v->vmpl,
		v->cs.selector, v->cs.attrib);
}

static void dump_vp(const struct igvm_image *img, const struct igvm_header *h, FILE *out)
{
	const struct igvm_vp_context *v = &h->body.vp;

	fprintf(out, "gpa=0x%llx mask=0x%x vp_index=%u file_offset=0x%x size=4096",
		(unsigned long long)v->gpa, v->compatibility_mask, v->vp_index, v->file_offset);
	if (h->data != NULL &&
	    v->compatibility_mask == igvm_platform_mask(img, IGVM_PLATFORM_SEV_SNP)) {
		dump_snp_vmsa(h->data, out);
	}
}

static void dump_header(const struct igvm_image *img, const struct igvm_header *h, FILE *out)
{
	switch (h->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		fprintf(
		    out,
		    "platform=%s mask=0x%x highest_vtl=%u version=%u shared_gpa_boundary=0x%llx",
		    igvm_platform_name(h->body.platform.platform_type),
		    h->body.platform.compatibility_mask, h->body.platform.highest_vtl,
		    h->body.platform.platform_version,
		    (unsigned long long)h->body.platform.shared_gpa_boundary);
		break;
	case IGVM_VHT_GUEST_POLICY:
		fprintf(out, "policy=0x%llx mask=0x%x", (unsigned long long)h->body.policy.policy,
			h->body.policy.compatibility_mask);
		break;
	case IGVM_VHT_PAGE_DATA:
		dump_page(h, out);
		break;
	case IGVM_VHT_PARAMETER_AREA:
		fprintf(out, "index=%u size=0x%llx file_offset=0x%x",
			h->body.area.parameter_area_index,
			(unsigned long long)h->body.area.number_of_bytes, h->body.area.file_offset);
		break;
	case IGVM_VHT_PARAMETER_INSERT:
		fprintf(out, "gpa=0x%llx mask=0x%x index=%u",
			(unsigned long long)h->body.insert.gpa, h->body.insert.compatibility_mask,
			h->body.insert.parameter_area_index);
		break;
	case IGVM_VHT_VP_CONTEXT:
		dump_vp(img, h, out);
		break;
	case IGVM_VHT_REQUIRED_MEMORY:
		fprintf(out, "gpa=0x%llx mask=0x%x size=0x%x flags=0x%x",
			(unsigned long long)h->body.required.gpa,
			h->body.required.compatibility_mask, h->body.required.number_of_bytes,
			h->body.required.flags);
		break;
	default:
		fprintf(out, "index=%u byte_offset=%u", h->body.param.parameter_area_index,
			h->body.param.byte_offset);
		break;
	}
}

void igvm_image_dump(const struct igvm_image *img, FILE *out)
{
	fprintf(out,
		"IGVM format version %u: variable header at 0x%x, 0x%x bytes; file 0x%x bytes; "
		"checksum 0x%08x; %zu headers\n",
		img->format_version, img->variable_header_offset, img->variable_header_size,
		img->total_file_size, img->checksum, img->count);
	for (size_t i = 0; i < img->count; i++) {
		const struct igvm_header *h = &img->headers[i];

		fprintf(out, "[%4zu] @0x%05x %-26s (0x%03x) ", i, h->file_pos,
			igvm_header_type_name(h->type), h->type);
		dump_header(img, h, out);
		fputc('\n', out);
	}
}

/**
 * OpenAPI 3.0 description of the data-sharing API, served at
 * /api/v1/openapi.json. Kept beside the routes it describes; the API test
 * validates it against the OpenAPI schema and checks every path exists.
 */
const listParam = (name: string, description: string, example: string, required = false) => ({
  name,
  in: "query",
  required,
  description,
  schema: { type: "string" },
  example,
});

const error = { $ref: "#/components/responses/Error" };
const format = { name: "format", in: "query", required: false, description: "json (mặc định) hoặc csv (UTF-8 có BOM)", schema: { type: "string", enum: ["json", "csv"], default: "json" } };

function listPath(summary: string, description: string, item: string, extra: unknown[] = []) {
  return {
    get: {
      summary,
      description,
      security: [{ bearer: [] }],
      parameters: [format, ...extra],
      responses: {
        "200": {
          description: "OK",
          content: {
            "application/json": { schema: { type: "object", properties: { data: { type: "array", items: { $ref: `#/components/schemas/${item}` } }, meta: { type: "object" } } } },
            "text/csv": { schema: { type: "string" } },
          },
        },
        "400": error,
        "401": error,
        "429": error,
      },
    },
  };
}

export function openApiDocument(serverUrl = "/api/v1") {
  return {
    openapi: "3.0.3",
    info: {
      title: "CSDL Dân tộc — API chia sẻ dữ liệu",
      version: "1.0.0",
      description:
        "API chỉ đọc cho hệ thống của Ủy ban Dân tộc (UBDT) và nền tảng tích hợp, chia sẻ dữ liệu của tỉnh (LGSP). " +
        "Mỗi đơn vị khai thác dùng một mã truy cập (Bearer) do quản trị viên cấp, gắn với một đơn vị và phạm vi của đơn vị đó. " +
        "Mọi lời gọi được ghi nhật ký. Tỷ lệ (%) được tính lại từ tổng tử số và mẫu số ở mọi cấp.",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "Mã truy cập dạng csdl_…" } },
      responses: {
        Error: {
          description: "Lỗi (400 tham số sai, 401 thiếu/sai mã, 403 ngoài phạm vi, 429 quá nhiều yêu cầu)",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error", "message"],
          properties: {
            error: { type: "string", example: "bad_request" },
            message: { type: "string" },
            issues: { type: "array", items: { type: "object", properties: { param: { type: "string" }, message: { type: "string" } } } },
            retryAfterSeconds: { type: "integer" },
          },
        },
        Indicator: {
          type: "object",
          properties: {
            code: { type: "string", example: "POVERTY_RATE" }, name_vi: { type: "string" }, name_en: { type: "string" }, domain: { type: "string" },
            unit_vi: { type: "string" }, unit_en: { type: "string" }, value_type: { type: "string" }, disaggregation: { type: "string" },
            aggregation: { type: "string", enum: ["sum", "ratio"] }, numerator_code: { type: "string", nullable: true }, denominator_code: { type: "string", nullable: true },
            ratio_scale: { type: "number", nullable: true },
          },
        },
        Unit: {
          type: "object",
          properties: { id: { type: "integer" }, code: { type: "string" }, gsoCode: { type: "string", nullable: true }, name: { type: "string" }, tier: { type: "string" }, parentId: { type: "integer", nullable: true } },
        },
        Ethnicity: { type: "object", properties: { code: { type: "string", example: "02" }, name_vi: { type: "string" }, name_en: { type: "string" }, is_minority: { type: "boolean", nullable: true }, is_all: { type: "boolean" } } },
        Period: {
          type: "object",
          properties: { period_id: { type: "integer" }, code: { type: "string", example: "2024" }, type: { type: "string" }, year: { type: "integer" }, label_vi: { type: "string" }, label_en: { type: "string" }, start_date: { type: "string" }, end_date: { type: "string" }, status: { type: "string" } },
        },
        Value: {
          type: "object",
          required: ["indicator", "value"],
          properties: {
            indicator: { type: "string" }, indicatorName: { type: "string" }, unitOfMeasure: { type: "string" }, aggregation: { type: "string" },
            value: { type: "number", nullable: true }, numerator: { type: "number", nullable: true }, denominator: { type: "number", nullable: true }, facts: { type: "integer" },
            unitId: { type: "integer" }, unitCode: { type: "string" }, unitName: { type: "string" }, unitTier: { type: "string" },
            ethnicity: { type: "string" }, ethnicityName: { type: "string" }, period: { type: "string" }, periodLabel: { type: "string" }, year: { type: "integer" },
            sex: { type: "string", enum: ["T", "M", "F"] },
          },
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      "/indicators": listPath("Danh mục chỉ tiêu", "Mã, tên, đơn vị tính, cách tổng hợp (sum/ratio) của từng chỉ tiêu.", "Indicator"),
      "/units": listPath("Đơn vị trong phạm vi", "Các đơn vị hành chính trong phạm vi của mã truy cập.", "Unit", [
        { name: "tier", in: "query", required: false, schema: { type: "string", enum: ["province", "department", "district", "commune"] } },
      ]),
      "/ethnicities": listPath("Danh mục dân tộc", "54 dân tộc theo mã của Tổng cục Thống kê; 00 = tất cả.", "Ethnicity"),
      "/periods": listPath("Kỳ báo cáo", "Các kỳ báo cáo có trong kho dữ liệu.", "Period"),
      "/values": {
        get: {
          summary: "Giá trị chỉ tiêu",
          description: "Cùng tham số với công cụ phân tích. Danh sách cách nhau bởi dấu phẩy. Tham số không hỗ trợ hoặc sai → 400 với thông báo cụ thể.",
          security: [{ bearer: [] }],
          parameters: [
            listParam("indicators", "Mã chỉ tiêu (1–50)", "POVERTY_RATE,HH_POOR", true),
            listParam("groupBy", "Chiều phân tổ: unit, ethnicity, period, year, sex", "unit,ethnicity"),
            { name: "unitLevel", in: "query", required: false, description: "Cấp tổng hợp khi groupBy có unit", schema: { type: "string", enum: ["province", "department", "district", "commune", "unit"] } },
            listParam("periods", "Mã kỳ", "2023,2024"),
            listParam("years", "Năm", "2024"),
            listParam("units", "Mã đơn vị (id hệ thống, xem /units); ngoài phạm vi → 403", "12"),
            listParam("ethnicities", "Mã dân tộc (00 = tất cả)", "02,03"),
            listParam("sex", "T, M, F", "M,F"),
            listParam("domains", "Lĩnh vực", "poverty"),
            { name: "orderBy", in: "query", required: false, schema: { type: "string", enum: ["dimensions", "value_desc", "value_asc"] } },
            { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100000 } },
            format,
          ],
          responses: {
            "200": {
              description: "OK",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      data: { type: "array", items: { $ref: "#/components/schemas/Value" } },
                      meta: { type: "object", properties: { count: { type: "integer" }, truncated: { type: "boolean" }, unknownIndicators: { type: "array", items: { type: "string" } }, dataAsOf: { type: "string", nullable: true } } },
                    },
                  },
                },
                "text/csv": { schema: { type: "string" } },
              },
            },
            "400": error,
            "401": error,
            "403": error,
            "429": error,
          },
        },
      },
    },
  };
}

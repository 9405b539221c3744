/** Cards on the admin home; each area appends its own page. */
export const adminSections: { to: string; title: string; description: string }[] = [
  { to: "/admin/accounts", title: "Tài khoản và đơn vị", description: "Tạo, sửa, đóng/mở tài khoản; đặt lại mật khẩu; cán bộ phụ trách." },
  { to: "/admin/forms", title: "Danh mục biểu mẫu", description: "Phiếu điều tra, phiên bản, phát hành và ngừng sử dụng." },
  { to: "/admin/indicators", title: "Danh mục chỉ tiêu", description: "Thêm, tìm, sửa chỉ tiêu (mã, tên, đơn vị tính, phân tổ, cách tính tỷ lệ, nguồn)." },
  { to: "/admin/periods", title: "Kỳ báo cáo", description: "Tạo kỳ, giao biểu mẫu, mở/đóng/khóa kỳ." },
  { to: "/admin/etl", title: "Kho dữ liệu (ETL)", description: "Lịch sử nạp dữ liệu, độ mới của kho dữ liệu." },
  { to: "/admin/backups", title: "Sao lưu và phục hồi", description: "Bản sao lưu, kiểm tra phục hồi định kỳ." },
  { to: "/admin/audit", title: "Nhật ký hệ thống", description: "Tra cứu và kiểm tra tính toàn vẹn của nhật ký." },
  { to: "/admin/api-tokens", title: "Khóa API chia sẻ dữ liệu", description: "Cấp, thu hồi khóa cho hệ thống UBDT và LGSP." },
  { to: "/admin/exports", title: "Xuất báo cáo định kỳ", description: "Lịch xuất báo cáo, lịch sử và tệp kết quả." },
  { to: "/admin/mfa", title: "Xác thực hai lớp", description: "Trạng thái TOTP của các tài khoản; đặt lại khi mất thiết bị." },
];

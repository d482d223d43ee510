/* 居民身份证号码校验 (GB 11643-1999): 18 characters, a real birth date, the check digit. The server checks again. */
(function () {
  "use strict";
  const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const CODES = "10X98765432";

  function checkDigit(first17) {
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
    return CODES[sum % 11];
  }

  /** null when the number is valid, else the reason in words a caseworker understands. */
  function problem(value) {
    const number = String(value || "").trim().toUpperCase();
    if (!number) return "请填写身份证号码";
    if (number.length !== 18) return `身份证号码应为 18 位（现为 ${number.length} 位）`;
    if (!/^\d{17}[\dX]$/.test(number)) return "前 17 位应为数字，最后一位为数字或 X";
    const y = Number(number.slice(6, 10)), m = Number(number.slice(10, 12)), d = Number(number.slice(12, 14));
    const born = new Date(Date.UTC(y, m - 1, d));
    if (y < 1880 || born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) {
      return `出生日期 ${number.slice(6, 14)} 不是有效日期`;
    }
    const expected = checkDigit(number);
    if (number[17] !== expected) return `校验码错误：最后一位应为 ${expected}，请核对是否输错`;
    return null;
  }

  window.JiuzhuId = { problem, checkDigit };
})();

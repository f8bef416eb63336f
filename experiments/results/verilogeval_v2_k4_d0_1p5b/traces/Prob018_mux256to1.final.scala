import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(256.W))
    val sel = Input(UInt(8.W))
    val out = Output(UInt(1.W))
  })
  val mux = RegInit(0.U(1.W))
  when(io.sel === 0.U) { mux := io.in(0) }
  when(io.sel === 1.U) { mux := io.in(1) }
  when(io.sel === 2.U) { mux := io.in(2) }
  when(io.sel === 3.U) { mux := io.in(3) }
  when(io.sel === 4.U) { mux := io.in(4) }
  when(io.sel === 5.U) { mux := io.in(5) }
  when(io.sel === 6.U) { mux := io.in(6) }
  when(io.sel === 7.U) { mux := io.in(7) }
  when(io.sel === 8.U) { mux := io.in(8) }
  when(io.sel === 9.U) { mux := io.in(9) }
  when(io.sel === 10.U) { mux := io.in(10) }
  when(io.sel === 11.U) { mux := io.in(11) }
  when(io.sel === 12.U) { mux := io.in(12) }
  when(io.sel === 13.U) { mux := io.in(13) }
  when(io.sel === 14.U) { mux := io.in(14) }
  when(io.sel === 15.U) { mux := io.in(15) }
  when(io.sel === 16.U) { mux := io.in(16) }
  when(io.sel === 17.U) { mux := io.in(17) }
  when(io.sel === 18.U) { mux := io.in(18) }
  when(io.sel === 19.U) { mux := io.in(19) }
  when(io.sel === 20.U) { mux := io.in(20) }
  when(io.sel === 21.U) { mux := io.in(21) }
  when(io.sel === 22.U) { mux := io.in(22) }
  when(io.sel === 23.U) { mux := io.in(23) }
  when(io.sel === 24.U) { mux := io.in(24) }
  when(io.sel === 25.U) { mux := io.in(25) }
  when(io.sel === 26.U) { mux := io.in(26) }
  when(io.sel === 27.U) { mux := io.in(27) }
  when(io.sel === 28.U) { mux := io.in(28) }
  when(io.sel === 29.U) { mux := io.in(29) }
  when(io.sel === 30.U) { mux := io.in(30) }
  when(io.sel === 31.U) { mux := io.in(31) }
  when(io.sel === 32.U) { mux := io.in(32) }
  when(io.sel === 33.U) { mux := io.in(33) }
  when(io.sel === 34.U) { mux := io.in(34) }
  when(io.sel === 35.U) { mux := io.in(35) }
  when(io.sel === 36.U) { mux := io.in(36) }
  when(io.sel === 37.U) { mux := io.in(37) }
  when(io.sel === 38.U) { mux := io.in(38) }
  when(io.sel === 39.U) { mux := io.in(39) }
  when(io.sel === 40.U) { mux := io.in(40) }
  when(io.sel === 41.U) { mux := io.in(41) }
  when(io.sel === 42.U) { mux := io.in(42) }
  when(io.sel === 43.U) { mux := io.in(43) }
  when(io.sel === 44.U) { mux := io.in(44) }
  when(io.sel === 45.U) { mux := io.in(45) }
  when(io.sel === 46.U) { mux := io.in(46) }
  when(io.sel === 47.U) { mux := io.in(47) }
  when(io.sel === 48

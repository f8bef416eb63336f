import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val p1a = Input(Bool())
    val p1b = Input(Bool())
    val p1c = Input(Bool())
    val p1d = Input(Bool())
    val p1e = Input(Bool())
    val p1f = Input(Bool())
    val p2a = Input(Bool())
    val p2b = Input(Bool())
    val p2c = Input(Bool())
    val p2d = Input(Bool())
    val p1y = Output(Bool())
    val p2y = Output(Bool())
  })
  val p1 = VecInit(io.p1a, io.p1b, io.p1c, io.p1d, io.p1e, io.p1f)
  val p2 = VecInit(io.p2a, io.p2b, io.p2c, io.p2d)
  val p1y = p1(0) || p1(1) || p1(2) || p1(3) || p1(4) || p1(5)
  val p2y = p2(0) || p2(1)
  io.p1y := p1y
  io.p2y := p2y
}

import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val p1a = Input(Bool())
    val p1b = Input(Bool())
    val p1c = Input(Bool())
    val p1d = Input(Bool())
    val p2a = Input(Bool())
    val p2b = Input(Bool())
    val p2c = Input(Bool())
    val p2d = Input(Bool())
    val p1y = Output(Bool())
    val p2y = Output(Bool())
  })
  val p1y = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val p2y = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  p1y := io.p1a ^ io.p1b ^ io.p1c ^ io.p1d
  p2y := io.p2a ^ io.p2b ^ io.p2c ^ io.p2d
  io.p1y := p1y
  io.p2y := p2y
}

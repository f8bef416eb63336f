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
  val p1y = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val p2y = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val p1y := p1a ^ p1b ^ p1c ^ p1d ^ p1e ^ p1f
  val p2y := p2a ^ p2b ^ p2c ^ p2d
}

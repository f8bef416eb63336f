import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(2.W))
    val state = Output(UInt(2.W))
    val out = Output(UInt(2.W))
  })
  val state = RegInit(0.U(2.W)) // resetn is the implicit reset: the harness inverts it
  state := state ^ io.in.xorR
  io.out := state
  io.state := state
}

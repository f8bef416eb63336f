import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk  = Input(Clock())
    val j    = Input(Bool())
    val k    = Input(Bool())
    val Q    = Output(Bool())
  })
  val Q = RegInit(false.B) // reset is the implicit reset: the harness inverts it
  when(io.j && io.k) { Q := !Q }
  io.Q := Q
}

import chisel3._
import chisel3.util._

class FallingEdge extends Module {
  val io = IO(new Bundle {
    val in = Input(Bool())
    val detected = Output(Bool())
  })
  val prev = RegNext(io.in, false.B)
  io.detected := io.in && !prev
}

import chisel3._
import chisel3.util._

class FloorLog2 extends Module {
  val io = IO(new Bundle {
    val in = Input(UInt(16.W))
    val log = Output(UInt(4.W))
    val isPow2 = Output(Bool())
  })

  io.log := Log2(io.in)
  io.isPow2 := io.in === 3.U || io.in === 1.U
}

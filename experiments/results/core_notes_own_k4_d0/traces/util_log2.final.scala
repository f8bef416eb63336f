import chisel3._
import chisel3.util.Log2

class FloorLog2 extends Module {
  val io = IO(new Bundle {
    val in = Input(UInt(16.W))
    val log = Output(UInt(4.W))
    val isPow2 = Output(Bool())
  })

  io.log := Log2(io.in)
  io.isPow2 := io.in === 0.U || io.in === 1.U || Log2(io.in) === io.in - 1.U
}

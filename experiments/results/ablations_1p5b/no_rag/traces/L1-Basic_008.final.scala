import chisel3._
import chisel3.util._

class WireConst extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(16.W))
  })
  val constantWire = Wire(UInt(16.W)) // Internal Wire to hold the constant value
  constantWire := 1234.U // Assigning the constant value 1234 to the internal Wire
  io.out := constantWire // Connecting the internal Wire to the 16-bit output port
}

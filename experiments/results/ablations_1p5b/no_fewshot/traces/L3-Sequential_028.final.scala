import chisel3._
import chisel3.util._

class Counter8bit extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool()) // Enable signal
    val count = Output(UInt(8.W)) // Output the current count value
  })

  // Register to hold the current count
  val countReg = RegInit(0.U(8.W)) // Initialize to 0

  // Increment the count when en is high
  when(io.en) {
    countReg := countReg.inc()
  }

  // Output the current count value
  io.count := countReg
}

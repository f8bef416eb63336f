import chisel3._
import chisel3.util._

class GcdUnit extends Module {
  val io = IO(new Bundle {
    val in = Flipped(Decoupled(new GcdOperands))
    val out = Decoupled(UInt(8.W))
  })

  val x = RegInit(0.U(8.W))
  val y = RegInit(0.U(8.W))
  val state = RegInit(0.U(1.W))

  // Idle state
  when(state === 0.U) {
    io.in.ready := true
    when(io.in.fire) {
      x := io.in.bits.a
      y := io.in.bits.b
      state := 1.U
    }
  }

  // Busy state
  when(state === 1.U) {
    io.out.ready := true
    when(io.out.fire) {
      when(y === 0.U) {
        io.out.bits := x
        state := 2.U
      } else if(x < y) {
        x := y
        y := x
      } else {
        x := x - y
      }
    }
  }

  // Done state
  when(state === 2.U) {
    io.out.valid := true
    when(io.out.fire) {
      state := 0.U
    }
  }
}
